import { defineMessages } from "./define.ts";

/** Live lectures: scheduling, the lecture room, chat, hands and stage. */
export default defineMessages({
  en: {
    "lectures.title": "Lectures",
  },
  ko: {
    "lectures.title": "강의",
  },
  zh: {
    "lectures.title": "直播课",
  },
});
