"""Forms of the employees app's staff pages, one module per topic (as employees/services/ is): register,
projection, cases (retirement records and the work list), transfer (the import upload)."""
