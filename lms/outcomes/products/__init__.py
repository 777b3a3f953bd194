"""A program's product list: the names reports group by, and how typed names map to it."""
