"""The forum's rules. Services take plain arguments, add and flush; the caller commits once."""
