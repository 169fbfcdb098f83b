"""Reuse: duplicate a workshop, save it as a template shared with the installation, start from one."""
