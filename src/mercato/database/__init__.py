"""How each party's database is reached: engines, column types, units of work, migrations."""
