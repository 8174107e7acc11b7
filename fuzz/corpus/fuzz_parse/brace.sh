echo ${x:-a b} ${y:-"}"} `date`
