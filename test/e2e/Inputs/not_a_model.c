/* A shared library that is not a compiled model, for lowbit-run's error. */
int not_a_model(void) { return 0; }
