/** English UI strings: the reference catalog every other language follows. */
export const en = {
  "app.name": "Mirae",
  "nav.signIn": "Sign in",
  "nav.signOut": "Sign out",
  "nav.dashboard": "Dashboard",
  "nav.myClasses": "My classes",
  "nav.language": "Language",
  "error.notFound.title": "Page not found",
  "error.notFound.body": "The page you asked for does not exist, or you do not have access to it.",
  "error.internal.title": "Something went wrong",
  "error.internal.body": "An internal error occurred. Please try again in a moment.",
  "signin.title": "Sign in to Mirae",
  "signin.login": "Email or student number",
  "signin.password": "Password",
  "signin.school": "School code",
  "signin.schoolHint": "(only with a student number)",
  "common.back": "Back",
};
export type Messages = Record<keyof typeof en, string>;
