echo $(a |)
