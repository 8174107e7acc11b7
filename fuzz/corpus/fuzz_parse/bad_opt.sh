a |[shm:bogus,size=] b
