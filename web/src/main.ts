import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { session } from './lib/state/session.svelte.ts';
import { theme } from './lib/state/theme.svelte.ts';

theme.apply();
void session.load();
mount(App, { target: document.getElementById('app')! });
