"""The dialogs the whole window shares: settings, the API token, the data file, consent."""
