"""The impact dashboard and report: figures computed by the database, small groups withheld."""
