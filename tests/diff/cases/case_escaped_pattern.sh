# a backslash quotes a pattern character
case 'a*' in
a\*) echo "escaped star matched" ;;
esac
case 'ab' in
a\*) echo wrong ;;
*) echo "ab is not a*" ;;
esac
