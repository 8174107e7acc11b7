# a leading dot and slash need no special match in case
case .hidden in *hidden) echo "star matches dot" ;; esac
case a/b in a*b) echo "star matches slash" ;; esac
