"""Channel adapters: each turns a platform's messages into `Conversation` turns and back."""
