import { defineMessages } from "./define.ts";

/** Notifications of every area (the list's own words are in coursework.notif.*), the header's badge. */
export default defineMessages({
  en: {
    "notifications.badge": "{n} unread",
    "notifications.kind.lecture_scheduled": "New lecture",
    "notifications.kind.lecture_moved": "Lecture moved",
    "notifications.kind.lecture_live": "Live now",
    "notifications.lecture_scheduled.title": "New lecture: {title}",
    "notifications.lecture_scheduled.body": "{cls}: starts {when}.",
    "notifications.lecture_moved.title": "Lecture moved: {title}",
    "notifications.lecture_moved.body": "{cls}: now starts {when}.",
    "notifications.lecture_live.title": "Class starts now: {title}",
    "notifications.lecture_live.body": "{cls} is live. Open it to join.",
    "notifications.calendar":
      "Lectures and due dates in your own calendar app: get a calendar link.",
  },
  ko: {
    "notifications.badge": "읽지 않음 {n}개",
    "notifications.kind.lecture_scheduled": "새 강의",
    "notifications.kind.lecture_moved": "강의 시간 변경",
    "notifications.kind.lecture_live": "지금 진행 중",
    "notifications.lecture_scheduled.title": "새 강의: {title}",
    "notifications.lecture_scheduled.body": "{cls}: {when} 시작",
    "notifications.lecture_moved.title": "강의 시간 변경: {title}",
    "notifications.lecture_moved.body": "{cls}: 이제 {when} 시작",
    "notifications.lecture_live.title": "지금 수업이 시작됩니다: {title}",
    "notifications.lecture_live.body": "{cls} 강의가 진행 중입니다. 열어서 참여하세요.",
    "notifications.calendar": "강의와 마감일을 내 캘린더 앱에서 보세요: 캘린더 링크 받기.",
  },
  zh: {
    "notifications.badge": "{n} 条未读",
    "notifications.kind.lecture_scheduled": "新课程",
    "notifications.kind.lecture_moved": "课程改时间",
    "notifications.kind.lecture_live": "正在直播",
    "notifications.lecture_scheduled.title": "新课程：{title}",
    "notifications.lecture_scheduled.body": "{cls}：{when} 开始。",
    "notifications.lecture_moved.title": "课程改时间：{title}",
    "notifications.lecture_moved.body": "{cls}：改为 {when} 开始。",
    "notifications.lecture_live.title": "现在上课：{title}",
    "notifications.lecture_live.body": "{cls} 正在直播。打开即可加入。",
    "notifications.calendar": "在你自己的日历应用中查看课程和截止时间：获取日历链接。",
  },
});
