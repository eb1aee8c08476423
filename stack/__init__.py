"""Starting the stack's processes: the dev launcher (`launcher`, `services`), the terminal chat, how Rasa is
started with the project's settings (`rasa_run`) and the cluster-wide index build (`index_build`)."""
