import { defineMessages } from "./define.ts";

/** Attendance from the media server: lecture reports and the class overview. */
export default defineMessages({
  en: {
    "attendance.title": "Attendance",
  },
  ko: {
    "attendance.title": "출석",
  },
  zh: {
    "attendance.title": "考勤",
  },
});
