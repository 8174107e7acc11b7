# the optional ( before a pattern
case q in
(p) echo p ;;
(q | r) echo "q with paren" ;;
esac
