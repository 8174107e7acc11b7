# issue 12 §4: pre=1 exec sh -c 'echo $pre' prints 1
pre=1 exec sh -c 'echo $pre'
