"""The organiser's exports of a whole workshop, and the import of one.

document.py loads a session into the versioned JSON document; importer.py (with schema.py, the
declared shape) turns such a file back into a workshop; tables.py holds the rows and columns the
spreadsheets share; writers.py writes CSV, XLSX and JSON; report.py the printable report;
routes.py is the blueprint.
"""
