import { defineMessages } from "./define.ts";

/**
 * Clock-in (打卡): the punch page, the admin's settings, sites and shifts, the manager's board
 * and sheet. Shared by several files: add keys with small edits.
 */
export default defineMessages({
  en: {
    "clockin.title": "Clock-in",
    "clockin.off": "Clock-in is not switched on for your organization.",
  },
  ko: {
    "clockin.title": "출퇴근 체크",
    "clockin.off": "소속 조직에서 출퇴근 체크가 켜져 있지 않습니다.",
  },
  zh: {
    "clockin.title": "打卡",
    "clockin.off": "你所在的组织尚未开启打卡。",
  },
});
