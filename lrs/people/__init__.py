"""People who sign in to Elimu's web pages: the ministry's administrators."""
