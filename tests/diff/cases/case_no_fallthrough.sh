# ;; ends the case: later matching items do not run
case x in
x) echo first ;;
x) echo second ;;
*) echo third ;;
esac
