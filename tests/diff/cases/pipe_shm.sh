echo hello |[shm] tr a-z A-Z |[mq:lines] cat
