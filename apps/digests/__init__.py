"""The weekly digest each person gets, in the app and by e-mail (opening it is a get)."""
