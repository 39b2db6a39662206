// A webhook endpoint's secret rotation, as the server does it and the console and API say it.

/** How long a rotated-out secret keeps signing beside the new one: a day for the receiver to switch. */
export const PREVIOUS_SECRET_HOURS = 24;
