"""Cases in and out of spreadsheets: the template, bulk import and export (see docs/import.md)."""
