a | b |[shm] c |[mq:msgsize=4096,maxmsg=8] d |[pipe:size=1M] e |[sock:buf=64K] f |[fifo:path=/tmp/x] g |[mq:lines] h
