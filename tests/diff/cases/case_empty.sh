# a case with no items, and an item with an empty body
case x in
esac
echo "empty case: $?"
case y in
y) ;;
esac
echo "empty body: $?"
