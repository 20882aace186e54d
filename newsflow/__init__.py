"""newsflow: the application (composition root, cli/, runners/, store/, web/, devstack/, evaluation/)."""
