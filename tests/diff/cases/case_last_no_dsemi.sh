# ;; is optional before esac
case b in
a) echo a ;;
b) echo "b without ;;"
esac
case c in c) echo c
esac
