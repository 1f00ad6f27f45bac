import type { Messages } from "./messages_en.ts";

/** Korean UI strings. */
export const ko: Messages = {
  "app.name": "미래",
  "nav.signIn": "로그인",
  "nav.signOut": "로그아웃",
  "nav.dashboard": "대시보드",
  "nav.myClasses": "내 수업",
  "nav.language": "언어",
  "error.notFound.title": "페이지를 찾을 수 없습니다",
  "error.notFound.body": "요청한 페이지가 없거나 접근 권한이 없습니다.",
  "error.internal.title": "문제가 발생했습니다",
  "error.internal.body": "내부 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.",
  "signin.title": "미래에 로그인",
  "signin.login": "이메일 또는 학번",
  "signin.password": "비밀번호",
  "signin.school": "학교 코드",
  "signin.schoolHint": "(학번으로 로그인할 때만)",
  "common.back": "뒤로",
};
