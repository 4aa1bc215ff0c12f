"""The outbox: the jobs waiting to be sent, and importing and exporting them."""
