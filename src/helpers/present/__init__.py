"""How any result looks in a report: prose from variables, tables, charts and their alt text."""
