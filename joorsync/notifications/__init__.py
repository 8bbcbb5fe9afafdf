"""E-mail notifications: the merchant hears about failed jobs, new problems, conflicts and held orders,
and (when asked for) gets a daily summary, without opening the app."""
