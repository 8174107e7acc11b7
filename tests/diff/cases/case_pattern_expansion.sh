# patterns are expanded: parameters, command substitution, tilde-free
x=hello
case hello in $(echo hel)*) echo "cmdsub pattern" ;; esac
case hello in ${x%lo}lo) echo "param pattern" ;; esac
