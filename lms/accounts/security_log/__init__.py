"""The security event log: who signed in, failed, was locked out or changed what, when and from where."""
