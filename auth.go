package instagram

// AuthService inspects tokens and finds the Instagram accounts behind them.
type AuthService service
