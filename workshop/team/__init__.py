"""A workshop's facilitator team: co-facilitators with roles, and the history of who changed what."""
