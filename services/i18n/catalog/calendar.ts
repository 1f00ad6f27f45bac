import { defineMessages } from "./define.ts";

/** Calendar feeds (ICS): the private links and the words inside the feed. */
export default defineMessages({
  en: {
    "calendar.title": "Calendar",
    "calendar.intro":
      "Subscribe to a private link in Google Calendar or Outlook and your lectures and due dates appear there. Calendar apps check it for changes every few hours.",
    "calendar.personal.title": "All my classes",
    "calendar.personal.hint":
      "Lectures from the last 30 days and the next 180 days, and due dates, of every class you are in.",
    "calendar.class.title": "This class in your calendar",
    "calendar.class.hint": "This class's lectures and due dates, in your own calendar app.",
    "calendar.classHint": "Each class's own link is on its Lectures page.",
    "calendar.none": "You have no calendar link yet.",
    "calendar.made": "You have a calendar link, made {when}.",
    "calendar.get": "Get a calendar link",
    "calendar.replace": "Get a new link",
    "calendar.replaceHint": "A new link replaces the old one, which stops working.",
    "calendar.revoke": "Stop the link",
    "calendar.revoked":
      "The calendar link was stopped. A calendar subscribed to it gets no more updates.",
    "calendar.new.title": "Your new calendar link",
    "calendar.new.label": "Calendar link",
    "calendar.new.open": "Open in my calendar app",
    "calendar.new.google": "Add to Google Calendar",
    "calendar.new.once":
      "Copy it now: it is shown only this once. Anyone who has it sees these lectures and due dates, so keep it to yourself.",
    "calendar.new.how":
      "Google Calendar: Other calendars, + , From URL. Outlook: Add calendar, Subscribe from web.",
    "calendar.back": "Back to {name}",
    "calendar.feed.person": "Mirae · {name}",
    "calendar.feed.class": "Mirae · {cls}",
    "calendar.event.due": "Due: {title}",
    "calendar.event.lecture":
      "Lecture page (it joins the lecture when it is live): {url}\nPlanned for one hour.",
    "calendar.event.assignment": "Assignment: {url}",
  },
  ko: {
    "calendar.title": "캘린더",
    "calendar.intro":
      "Google 캘린더나 Outlook에서 비공개 링크를 구독하면 강의와 마감일이 그곳에 나타납니다. 캘린더 앱은 몇 시간마다 변경 사항을 확인합니다.",
    "calendar.personal.title": "내 모든 수업",
    "calendar.personal.hint":
      "내가 속한 모든 수업의 지난 30일과 앞으로 180일의 강의, 그리고 마감일입니다.",
    "calendar.class.title": "내 캘린더에 이 수업 추가",
    "calendar.class.hint": "이 수업의 강의와 마감일을 내 캘린더 앱에서 봅니다.",
    "calendar.classHint": "수업별 링크는 각 수업의 강의 페이지에 있습니다.",
    "calendar.none": "아직 캘린더 링크가 없습니다.",
    "calendar.made": "{when}에 만든 캘린더 링크가 있습니다.",
    "calendar.get": "캘린더 링크 받기",
    "calendar.replace": "새 링크 받기",
    "calendar.replaceHint":
      "새 링크가 이전 링크를 대신하며, 이전 링크는 더 이상 작동하지 않습니다.",
    "calendar.revoke": "링크 중지",
    "calendar.revoked":
      "캘린더 링크를 중지했습니다. 이 링크를 구독한 캘린더는 더 이상 업데이트를 받지 않습니다.",
    "calendar.new.title": "새 캘린더 링크",
    "calendar.new.label": "캘린더 링크",
    "calendar.new.open": "내 캘린더 앱에서 열기",
    "calendar.new.google": "Google 캘린더에 추가",
    "calendar.new.once":
      "지금 복사하세요. 이번 한 번만 표시됩니다. 링크를 가진 사람은 누구나 이 강의와 마감일을 볼 수 있으니 혼자만 간직하세요.",
    "calendar.new.how":
      "Google 캘린더: 다른 캘린더, + , URL로 추가. Outlook: 캘린더 추가, 웹에서 구독.",
    "calendar.back": "{name}(으)로 돌아가기",
    "calendar.feed.person": "Mirae · {name}",
    "calendar.feed.class": "Mirae · {cls}",
    "calendar.event.due": "마감: {title}",
    "calendar.event.lecture":
      "강의 페이지 (강의가 진행 중이면 바로 참여합니다): {url}\n1시간 예정.",
    "calendar.event.assignment": "과제: {url}",
  },
  zh: {
    "calendar.title": "日历",
    "calendar.intro":
      "在 Google 日历或 Outlook 中订阅私人链接，你的课程和截止时间就会显示在那里。日历应用每隔几小时检查一次更新。",
    "calendar.personal.title": "我的所有班级",
    "calendar.personal.hint": "你所在的每个班级过去 30 天和未来 180 天的课程，以及截止时间。",
    "calendar.class.title": "把这个班级加入你的日历",
    "calendar.class.hint": "在你自己的日历应用中查看这个班级的课程和截止时间。",
    "calendar.classHint": "每个班级自己的链接在它的课程页面上。",
    "calendar.none": "你还没有日历链接。",
    "calendar.made": "你有一个日历链接，创建于 {when}。",
    "calendar.get": "获取日历链接",
    "calendar.replace": "获取新链接",
    "calendar.replaceHint": "新链接会替换旧链接，旧链接随即失效。",
    "calendar.revoke": "停用链接",
    "calendar.revoked": "日历链接已停用。订阅了它的日历不会再收到更新。",
    "calendar.new.title": "你的新日历链接",
    "calendar.new.label": "日历链接",
    "calendar.new.open": "在我的日历应用中打开",
    "calendar.new.google": "添加到 Google 日历",
    "calendar.new.once":
      "请现在复制：它只显示这一次。任何拿到它的人都能看到这些课程和截止时间，请不要分享。",
    "calendar.new.how": "Google 日历：其他日历、+、通过网址添加。Outlook：添加日历、从网页订阅。",
    "calendar.back": "返回 {name}",
    "calendar.feed.person": "Mirae · {name}",
    "calendar.feed.class": "Mirae · {cls}",
    "calendar.event.due": "截止：{title}",
    "calendar.event.lecture": "课程页面（课程直播时直接加入）：{url}\n计划时长一小时。",
    "calendar.event.assignment": "作业：{url}",
  },
});
