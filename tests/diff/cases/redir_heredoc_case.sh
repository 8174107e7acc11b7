# a here-document inside a case item
case x in
x) cat <<EOT
in case item
EOT
;;
esac
