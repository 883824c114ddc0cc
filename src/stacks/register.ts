/**
 * Registers every architecture's stack factory with the app. Importing this module is what makes an
 * architecture available; the app itself knows only the bootstrap stack.
 */
import './webapp/register';
import './eks/register';
import './druid/register';
