/** The app shell: session gate, the one live socket, and the route table. */
import { useQuery } from "@tanstack/react-query";
import { useEffect, type ReactNode } from "react";
import { ApiError, onUnauthorized } from "./api/client";
import { CheckoutsPage } from "./components/Checkouts/CheckoutsPage";
import { DashboardPage } from "./components/Dashboard/DashboardPage";
import { EventsPage } from "./components/Events/EventsPage";
import { AppShell } from "./components/Layout/AppShell";
import { LoginScreen } from "./components/Login/LoginScreen";
import { MonitorsPage } from "./components/Monitors/MonitorsPage";
import { NotificationsPage } from "./components/Notifications/NotificationsPage";
import { ProductPage } from "./components/Products/ProductPage";
import { ProductsPage } from "./components/Products/ProductsPage";
import { ProfilesPage } from "./components/Profiles/ProfilesPage";
import { ProxiesPage } from "./components/Proxies/ProxiesPage";
import { QuickTaskPage } from "./components/QuickTask/QuickTaskPage";
import { RulesPage } from "./components/Rules/RulesPage";
import { SettingsPage } from "./components/Settings/SettingsPage";
import { CheckoutBanner } from "./components/Tasks/CheckoutBanner";
import { TasksPage } from "./components/Tasks/TasksPage";
import { Loading } from "./components/common/States";
import { Toasts } from "./components/common/Toasts";
import { meQuery } from "./hooks/queries/session";
import { useLiveEvents } from "./hooks/useLiveEvents";
import { matchPath, useLocation } from "./lib/router";
import { useLiveStore } from "./store/live";
import { useUiStore } from "./store/ui";

interface Screen {
  title: string;
  element: ReactNode;
}

export function route(path: string): Screen {
  const product = matchPath("/products/:store/:id", path);
  if (product) return { title: "Product", element: <ProductPage storeId={product.store ?? ""} productId={product.id ?? ""} /> };
  const task = matchPath("/tasks/:id", path);
  if (task) return { title: "Tasks", element: <TasksPage taskId={task.id ?? ""} /> };
  switch (path) {
    case "/":
      return { title: "Dashboard", element: <DashboardPage /> };
    case "/monitors":
      return { title: "Monitors", element: <MonitorsPage /> };
    case "/products":
      return { title: "Products", element: <ProductsPage /> };
    case "/events":
      return { title: "Events", element: <EventsPage /> };
    case "/tasks":
      return { title: "Tasks", element: <TasksPage /> };
    case "/quicktask":
      return { title: "Quick task", element: <QuickTaskPage /> };
    case "/rules":
      return { title: "Rules", element: <RulesPage /> };
    case "/checkouts":
      return { title: "Checkouts", element: <CheckoutsPage /> };
    case "/profiles":
      return { title: "Profiles", element: <ProfilesPage /> };
    case "/proxies":
      return { title: "Proxies", element: <ProxiesPage /> };
    case "/notifications":
      return { title: "Notifications", element: <NotificationsPage /> };
    case "/settings":
      return { title: "Settings", element: <SettingsPage /> };
    default:
      return { title: "Not found", element: <div className="page empty">Nothing here. Pick a screen on the left.</div> };
  }
}

function useSession() {
  const session = useUiStore((s) => s.session);
  const setSession = useUiStore((s) => s.setSession);
  const me = useQuery({ ...meQuery(), enabled: session === "checking" });

  useEffect(() => onUnauthorized(() => {
    useLiveStore.getState().reset();
    setSession("signed-out");
  }), [setSession]);

  useEffect(() => {
    if (session !== "checking") return;
    if (me.isSuccess) setSession("signed-in");
    else if (me.isError) setSession(me.error instanceof ApiError && me.error.status === 401 ? "signed-out" : "signed-in");
  }, [session, me.isSuccess, me.isError, me.error, setSession]);

  return session;
}

export function App() {
  const session = useSession();
  const { path } = useLocation();
  const retrySocket = useLiveEvents({ enabled: session === "signed-in" });

  if (session === "checking") return <Loading label="Connecting to Phantom…" />;
  if (session === "signed-out") return <LoginScreen />;
  const screen = route(path);
  return (
    <>
      <AppShell title={screen.title} onRetrySocket={retrySocket}>
        <CheckoutBanner />
        {screen.element}
      </AppShell>
      <Toasts />
    </>
  );
}
