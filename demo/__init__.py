"""The Northwind Outfitters demo: its manual as files (``manual/``, ``retired/``) and the year it lived through
(``story``), loaded by ``manage.py load_demo`` and ``manage.py reset_demo``."""
