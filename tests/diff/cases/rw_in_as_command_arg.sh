# in and esac as case words and patterns
case in in in) echo "in in in" ;; esac
x=esac
case $x in "esac") echo "esac pattern" ;; esac
case esac in (esac) echo "esac after (" ;; esac
