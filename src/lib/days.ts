/** Days of use the dashboard charts and forecasts from: the site's last daily windows (shared by the server and the page). */
export const FORECAST_DAYS = 14;
