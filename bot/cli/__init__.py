"""`python -m bot`: the commands a maintainer runs by hand."""
