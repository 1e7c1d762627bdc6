import './base.css';
import './coach.css';
