"""One turn of the conversation (`turn.run_turn`, called by every Rasa action): emergencies, the
search ranking and its decision, follow-ups and lists ("den første"), handover with the service desk's
hours, ratings, and the nn/nb dialogue texts. The actions in `actions/` stay thin."""
