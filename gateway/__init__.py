"""The gateway: FastAPI app with the channel adapters, web chat, hotline assistant and self-assessment pages."""
