import type { Messages } from "./messages_en.ts";

/** Simplified Chinese UI strings. */
export const zh: Messages = {
  "app.name": "未来课堂",
  "nav.signIn": "登录",
  "nav.signOut": "退出登录",
  "nav.dashboard": "管理面板",
  "nav.myClasses": "我的班级",
  "nav.language": "语言",
  "error.notFound.title": "页面未找到",
  "error.notFound.body": "您请求的页面不存在，或您没有访问权限。",
  "error.internal.title": "出错了",
  "error.internal.body": "发生内部错误，请稍后重试。",
  "signin.title": "登录未来课堂",
  "signin.login": "邮箱或学号",
  "signin.password": "密码",
  "signin.school": "学校代码",
  "signin.schoolHint": "（仅使用学号登录时填写）",
  "common.back": "返回",
};
