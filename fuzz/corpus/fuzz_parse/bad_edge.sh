a |[foo] b
