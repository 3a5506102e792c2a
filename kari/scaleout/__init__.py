"""Kari scaled out on Rasa's standard pieces (issue 17): PostgreSQL tracker store and knowledge base,
Redis lock store, N Rasa instances and M action servers behind nginx, under supervisord."""
